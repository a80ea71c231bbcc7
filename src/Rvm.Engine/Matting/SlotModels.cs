using System;
using System.Linq;
using Rvm.Inference;

namespace Rvm.Matting;

/// <summary>
/// A model for each slot of a <see cref="ConversionScheduler"/>, each with its own sessions: on the CPU the threads
/// are divided among the slots (two conversions at once on 2 cores get one thread each) instead of each asking for
/// all of them. Loaded on first use, by the slot's own worker, so inputs that never come cost nothing.
/// </summary>
internal sealed class SlotModels : IDisposable
{
    private readonly RvmModel _model;
    private readonly RvmModel?[] _slots;

    /// <param name="threadsEach">Threads per slot; 0: the model's divided among the slots on the CPU, all of them elsewhere.</param>
    public SlotModels(RvmModel model, int slots, int threadsEach = 0)
    {
        _model = model;
        _slots = new RvmModel?[slots];
        bool cpu = model.Device.StartsWith("CPU", StringComparison.Ordinal);
        ThreadsEach = threadsEach > 0 ? threadsEach : cpu ? ConversionScheduler.ThreadsEach(model.ThreadCount, slots) : model.ThreadCount;
    }

    public int ThreadsEach { get; }

    /// <summary>The slot's model; a slot is used by one conversion at a time, so no two threads load the same one.</summary>
    public RvmModel For(int slot) => _slots[slot] ??= _model.WithThreadCount(ThreadsEach);

    /// <summary>Loads every slot's model now (the benchmark, to keep loading out of its clock).</summary>
    public void LoadAll()
    {
        for (int i = 0; i < _slots.Length; i++) For(i);
    }

    public void Dispose()
    {
        foreach (var model in _slots.Where(m => m != null)) model!.Dispose();
    }
}
