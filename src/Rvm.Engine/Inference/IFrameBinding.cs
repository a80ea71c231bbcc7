using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace Rvm.Inference;

/// <summary>
/// What <see cref="MattingSession"/> asks of an ONNX Runtime I/O binding, behind an interface so that the binding
/// protocol can be tested on a machine without a GPU. The protocol that matters: on CUDA and TensorRT, ONNX Runtime
/// copies a host input to the device when it is bound, so a later change to the host buffer is not seen until the
/// input is bound again. A binding that copies at bind time (as the tests' one does) shows a session that binds once.
/// </summary>
internal interface IFrameBinding : IDisposable
{
    void BindInput(string name, OrtValue value);
    void BindOutput(string name, OrtValue value);
    void BindOutputToDevice(string name, OrtMemoryInfo memory);
    /// <summary>Runs the bound inputs to the bound outputs and waits until the outputs are complete.</summary>
    void Run(RunOptions options);
    /// <summary>The outputs of the last run by name, including those ONNX Runtime allocated; the caller owns the values.</summary>
    IReadOnlyList<KeyValuePair<string, OrtValue>> TakeOutputs();
}
