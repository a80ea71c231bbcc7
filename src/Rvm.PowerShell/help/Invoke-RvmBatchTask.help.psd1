@{
    Synopsis    = 'Runs one task of a batch: what each Slurm array task or Kubernetes pod runs.'
    Description = @(
        'Invoke-RvmBatchTask reads plan.json from the job folder, refuses a plan made by another version of the module (naming both), and converts the plan entry of its index through the same engine as Convert-RvmVideo: outputs claimed, written under temporary names and committed whole, SIGTERM (scancel, a pod''s deletion) removing the temporaries. An entry whose outputs are complete is skipped, so a retry is harmless.'
        'It writes results/<index>.json atomically: the conversion result, the host and the elapsed time, or the error. A failure is a non-terminating error, so pwsh -Command ends with exit code 1; a task stopped by a signal writes no result and runs again when the batch is started again.'
    )
    Parameters  = @{
        JobFolder = 'The batch''s job folder.'
        Index     = 'The task to run. Default: SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX, the first one set.'
        JoinAfterLastPart = 'For engines that cannot make one task wait for others (Kubernetes, which Start-RvmBatch sets it for): a part of a long video that finds all its video''s parts done then joins them, under a lock in the job folder, and the join''s own task does nothing until then. Slurm runs the join as a job that depends on the parts (--dependency=afterok) instead.'
    }
    Inputs      = @{ 'System.String' = 'A job folder, by the property JobFolder.' }
    Outputs     = @{ 'Rvm.Matting.RvmConversionResult' = 'The conversion''s result (for a part of a long video: that part''s frames, with no output paths); nothing when the task''s outputs were complete already, or when a join waits for its last part.' }
    Examples    = @(
        @{ Code = 'pwsh -NoProfile -NonInteractive -Command "Import-Module Rvm; Invoke-RvmBatchTask -JobFolder /shared/jobs/tapes"'; Remarks = 'What a worker runs; the index comes from the engine''s variable.' }
        @{ Code = 'Invoke-RvmBatchTask /shared/jobs/tapes -Index 3 -Verbose'; Remarks = 'Runs task 3 by hand, for instance to see why it failed.' }
    )
}
