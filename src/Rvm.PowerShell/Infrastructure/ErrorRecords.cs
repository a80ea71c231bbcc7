using System;
using System.IO;
using System.Management.Automation;
using Rvm.Inference;
using Rvm.Media;
using Rvm.Models;

using Rvm.IO;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>Maps engine exceptions to ErrorRecords with the category and advice a PowerShell user expects.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(Exception e, string errorId, object? target)
    {
        var (category, advice) = e switch
        {
            FfmpegNotFoundException _ => (ErrorCategory.NotInstalled, FfmpegLocator.InstallAdvice),
            ModelUnavailableException _ => (ErrorCategory.ResourceUnavailable,
                "Give the model by hand with Import-RvmModel -Path (an .onnx file, or a TensorFlow.js rvm.json with rvm.bin), or copy it into the model cache folder named in the message."),
            // Nothing that failed verification is kept, so there is nothing to delete: the source is what to fix.
            ModelVerificationException _ => (ErrorCategory.InvalidData,
                "The source served a file that is not the pinned model, and nothing was kept. If RVM_MODEL_BASE_URL points at a mirror, check what it serves; otherwise give a trusted copy with Import-RvmModel -Path."),
            DeviceUnavailableException _ => (ErrorCategory.NotInstalled, OnnxRuntimeNatives.GpuAdvice),
            OutputConflictException c => (c.Conflict switch
            {
                OutputConflict.Busy => ErrorCategory.ResourceBusy,
                OutputConflict.Exists => ErrorCategory.ResourceExists,
                _ => ErrorCategory.WriteError,
            }, (string?)null),
            PathTooLongException _ => (ErrorCategory.InvalidArgument, null),
            Matting.ConversionLimitException _ => (ErrorCategory.LimitsExceeded, null),
            FileNotFoundException _ => (ErrorCategory.ObjectNotFound, null),
            DirectoryNotFoundException _ => (ErrorCategory.ObjectNotFound, null),
            UnauthorizedAccessException _ => (ErrorCategory.PermissionDenied, null),
            DamagedMediaException _ => (ErrorCategory.InvalidData,
                "Convert-RvmVideo -ErrorTolerance Conceal converts the frames ffmpeg can decode and names the damaged ones in warnings."),
            InvalidDataException _ => (ErrorCategory.InvalidData, null),
            NotSupportedException _ => (ErrorCategory.NotImplemented, null),
            ArgumentException _ => (ErrorCategory.InvalidArgument, null),
            OperationCanceledException _ => (ErrorCategory.OperationStopped, null),
            InvalidOperationException _ => (ErrorCategory.InvalidOperation, null),
            IOException _ => (ErrorCategory.WriteError, null),
            _ => (ErrorCategory.NotSpecified, (string?)null),
        };
        var record = new ErrorRecord(e, errorId, category, target);
        if (advice != null) record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = advice };
        return record;
    }
}
