using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;

namespace Rvm.Threading;

/// <summary>
/// SIGTERM, what Task Scheduler's Linux cousins send (systemd, Slurm's scancel, Kubernetes, kill), handled like
/// Ctrl+C. PowerShell ends the process on SIGTERM without running the pipeline's finally blocks (measured: exit
/// 143, none ran), so a conversion would leave its ffmpeg children and temporaries behind. Handlers registered
/// later run first, and PowerShell's exits the process only after ours returns: ours cancels every running
/// conversion and waits, at most <see cref="CleanupLimit"/>, until each has removed what it made.
/// </summary>
internal sealed class TerminationSignal
{
    /// <summary>A scheduler sends SIGKILL some seconds after SIGTERM (Slurm's KillWait and Kubernetes' grace period default to 30 s).</summary>
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromSeconds(10);
    private static object? _registration;

    /// <summary>The process's runs, which SIGTERM stops. Tests make their own registry, so stopping it cannot cancel another test's conversion.</summary>
    public static TerminationSignal Process { get; } = new TerminationSignal(hookSignal: true);

    private readonly object _gate = new object();
    private readonly List<Run> _running = new List<Run>();
    private bool _hooked;

    internal TerminationSignal(bool hookSignal = false) => _hooked = !hookSignal;

    /// <summary>Cancels <paramref name="stop"/> on SIGTERM; disposing the result says the run has cleaned up.</summary>
    public IDisposable Register(CancellationTokenSource stop)
    {
        var run = new Run(this, stop);
        lock (_gate)
        {
            if (!_hooked)
            {
                _hooked = true;
                Hook();
            }
            _running.Add(run);
        }
        return run;
    }

    /// <summary>What SIGTERM does: cancel every run and wait until each has cleaned up.</summary>
    internal void StopAll(TimeSpan limit)
    {
        Run[] runs;
        lock (_gate) runs = _running.ToArray();
        foreach (var run in runs)
        {
            try { run.Stop.Cancel(); }
            catch (ObjectDisposedException) { }
        }
        var deadline = DateTime.UtcNow + limit;
        foreach (var run in runs)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !run.Done.Wait(left)) break;
        }
    }

    /// <summary>PosixSignalRegistration exists from .NET 6 on; this assembly targets netstandard2.0, so it is found at run time.</summary>
    private static void Hook()
    {
        var assembly = typeof(System.Runtime.InteropServices.Marshal).Assembly;
        var registrationType = Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices")
            ?? assembly.GetType("System.Runtime.InteropServices.PosixSignalRegistration");
        var signalType = registrationType?.Assembly.GetType("System.Runtime.InteropServices.PosixSignal");
        var contextType = registrationType?.Assembly.GetType("System.Runtime.InteropServices.PosixSignalContext");
        if (registrationType == null || signalType == null || contextType == null) return;
        var create = registrationType.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
        var handler = typeof(TerminationSignal).GetMethod(nameof(OnSignal), BindingFlags.NonPublic | BindingFlags.Static)!;
        var callback = Delegate.CreateDelegate(typeof(Action<>).MakeGenericType(contextType), handler);
        // The registration must stay referenced, or it is collected and unregistered.
        _registration = create?.Invoke(null, new[] { Enum.Parse(signalType, "SIGTERM"), callback });
    }

    private static void OnSignal(object context) => Process.StopAll(CleanupLimit);

    private sealed class Run : IDisposable
    {
        private readonly TerminationSignal _owner;

        public Run(TerminationSignal owner, CancellationTokenSource stop) => (_owner, Stop) = (owner, stop);

        public CancellationTokenSource Stop { get; }
        public ManualResetEventSlim Done { get; } = new ManualResetEventSlim();

        public void Dispose()
        {
            lock (_owner._gate) _owner._running.Remove(this);
            Done.Set();
        }
    }
}
