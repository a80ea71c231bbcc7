@{
    Synopsis    = 'Runs the unfinished tasks of a batch on Slurm (a job array) or Kubernetes (an Indexed Job).'
    Description = @(
        'Slurm: Start-RvmBatch writes slurm/array.sbatch in the job folder and submits the tasks that have no successful result with sbatch --array=<indexes>%<Throttle>; each task runs Invoke-RvmBatchTask with the PowerShell and module recorded in the plan, and its log goes to slurm/<job>_<index>.out. A batch whose earlier Slurm job still has tasks pending or running is refused until they end (or scancel). When every task is done, nothing is submitted and nothing is rewritten.'
        'Kubernetes: Start-RvmBatch writes kubernetes/job.yaml, a batch/v1 Job with completionMode Indexed (completions = tasks, parallelism = -Throttle, backoffLimitPerIndex 2), the worker image and the shared volume claim mounted at the folder that holds the job folder, the inputs and the outputs, and prints the kubectl apply command. With -Apply it applies the file itself when kubectl has a current context. Tasks that are done find their outputs complete and skip.'
    )
    Parameters  = @{
        JobFolder      = 'The batch''s job folder (from New-RvmBatch). Binds from the pipeline by property name, so New-RvmBatch | Start-RvmBatch chains.'
        Engine         = 'Slurm or Kubernetes.'
        Throttle       = 'Tasks running at once (Slurm''s %N, Kubernetes'' parallelism). Default: all.'
        Partition      = 'The Slurm partition (sbatch --partition).'
        EngineArgument = 'More arguments for sbatch, e.g. -EngineArgument ''--cpus-per-task=4'', ''--time=02:00:00''. Not used for Kubernetes.'
        Image          = 'Kubernetes: the worker image (deploy/Containerfile). Default: rvm-worker:<module version>.'
        VolumeClaim    = 'Kubernetes: the PersistentVolumeClaim of the shared storage (default rvm-shared).'
        Apply          = 'Kubernetes: apply job.yaml with kubectl when kubectl has a current context; otherwise the command is printed.'
    }
    Inputs      = @{ 'Rvm.Batch.RvmBatch' = 'A batch, bound to -JobFolder by its JobFolder property.' }
    Outputs     = @{ 'Rvm.Batch.RvmBatch' = 'The batch with Engine and EngineJobId (Slurm''s job id, or the Kubernetes Job''s name).' }
    Examples    = @(
        @{ Code = 'Start-RvmBatch /shared/out/rvm-batch-20260101-120000 -Engine Slurm -Throttle 4 -Partition gpu -EngineArgument ''--gres=gpu:1'''; Remarks = 'Submits the unfinished tasks, four at a time, one GPU each.' }
        @{ Code = 'Start-RvmBatch /shared/jobs/tapes -Engine Kubernetes -Throttle 20 -Image registry.example/rvm-worker:0.1.0 -VolumeClaim media'; Remarks = 'Writes kubernetes/job.yaml and prints the kubectl apply command.' }
    )
}
