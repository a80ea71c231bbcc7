@{
    Synopsis    = 'Says where a batch stands: done, failed, pending and running tasks, frames and speed.'
    Description = @(
        'Get-RvmBatch reads the results the tasks wrote (results/<index>.json) and asks the engine what is pending and running (squeue for Slurm). When the engine does not answer (a Kubernetes batch, or squeue missing here), Pending and Running are empty: unknown.'
        'With -Wait it shows a progress bar until every task has a result, the -Timeout passes, or the engine runs nothing more while tasks still have no result (cancelled or killed: Start-RvmBatch runs them again); the last two end with a warning.'
    )
    Parameters  = @{
        JobFolder = 'The batch''s job folder. Binds from the pipeline by property name, so Start-RvmBatch | Get-RvmBatch chains.'
        Wait      = 'Waits, with Write-Progress, until every task has a result.'
        Timeout   = 'The most seconds -Wait waits; default: no limit.'
    }
    Inputs      = @{ 'Rvm.Batch.RvmBatch' = 'A batch, bound to -JobFolder by its JobFolder property.' }
    Outputs     = @{ 'Rvm.Batch.RvmBatchStatus' = 'Total, Done, Failed, Pending, Running (empty when unknown), Results (RvmConversionResult of each converted task), Previews (the preview sheets, <name>.preview.png, that exist beside converted tasks'' outputs; (Get-RvmBatch $job).Results | New-RvmPreview makes them), Failures (Index, Input, Host, Message), Frames and MeanFramesPerSecond.' }
    Examples    = @(
        @{ Code = 'Get-RvmBatch /shared/jobs/tapes -Wait -Timeout 3600'; Remarks = 'Waits up to an hour for the batch.' }
        @{ Code = '(Get-RvmBatch /shared/jobs/tapes).Failures | Format-List'; Remarks = 'Lists the failed tasks with their inputs and messages.' }
    )
}
