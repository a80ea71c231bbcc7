using System;

namespace Rvm.Batch;

/// <summary>A task failed; its failed result is written already.</summary>
internal sealed class BatchTaskException : Exception
{
    public BatchTaskException(BatchTaskResult result, Exception inner) : base(inner.Message, inner) => Result = result;

    public BatchTaskResult Result { get; }
}
