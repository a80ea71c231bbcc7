using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace Rvm.Inference;

/// <summary>The real <see cref="IFrameBinding"/>: an <see cref="OrtIoBinding"/> on one session.</summary>
internal sealed class OrtFrameBinding : IFrameBinding
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;

    public OrtFrameBinding(InferenceSession session)
    {
        _session = session;
        _binding = session.CreateIoBinding();
    }

    public void BindInput(string name, OrtValue value) => _binding.BindInput(name, value);

    public void BindOutput(string name, OrtValue value) => _binding.BindOutput(name, value);

    public void BindOutputToDevice(string name, OrtMemoryInfo memory) => _binding.BindOutputToDevice(name, memory);

    public void Run(RunOptions options)
    {
        _binding.SynchronizeBoundInputs();
        _session.RunWithBinding(options, _binding);
        _binding.SynchronizeBoundOutputs();
    }

    public IReadOnlyList<KeyValuePair<string, OrtValue>> TakeOutputs()
    {
        var names = _binding.GetOutputNames();
        var values = _binding.GetOutputValues();
        var result = new List<KeyValuePair<string, OrtValue>>(names.Length);
        for (int i = 0; i < names.Length; i++) result.Add(new KeyValuePair<string, OrtValue>(names[i], values[i]));
        return result;
    }

    public void Dispose() => _binding.Dispose();
}
