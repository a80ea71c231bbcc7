using System;
using System.Threading;

namespace Rvm.Threading;

/// <summary>
/// Runs one piece of work per row band of a frame, in parallel: band 0 on the calling thread, the others on
/// long-lived worker threads. Unlike Parallel.For it allocates nothing per call, so the per-frame pixel work
/// stays allocation-free in the steady state.
/// </summary>
internal sealed class BandRunner : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _go;
    private readonly CountdownEvent _done;
    private Action<int>? _body;
    private Exception? _failure;
    private volatile bool _stopping;

    public BandRunner(int bands, string name)
    {
        Bands = Math.Max(1, bands);
        _workers = new Thread[Bands - 1];
        _go = new SemaphoreSlim[Bands - 1];
        _done = new CountdownEvent(1);
        // The event makes its lock object (24 bytes) the first time a wait has to block, which would otherwise be
        // some frame's allocation, depending on timing: block once here, for a millisecond.
        _done.Wait(1);
        for (int i = 0; i < _workers.Length; i++)
        {
            int band = i + 1;
            _go[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(() => Work(band)) { IsBackground = true, Name = $"{name} band {band}" };
            _workers[i].Start();
        }
    }

    public int Bands { get; }

    /// <summary>Runs <paramref name="body"/>(band) for every band and returns when all are done; a failure in any is rethrown.</summary>
    public void Run(Action<int> body)
    {
        if (_stopping) throw new ObjectDisposedException(nameof(BandRunner));
        _body = body;
        _failure = null;
        if (_workers.Length > 0)
        {
            _done.Reset(_workers.Length);
            foreach (var go in _go) go.Release();
        }
        try { body(0); }
        finally
        {
            if (_workers.Length > 0) _done.Wait();
            _body = null;
        }
        if (_failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
    }

    private void Work(int band)
    {
        var go = _go[band - 1];
        while (true)
        {
            go.Wait();
            if (_stopping) return;
            try { _body!(band); }
            catch (Exception e) { Interlocked.CompareExchange(ref _failure, e, null); }
            finally { _done.Signal(); }
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        foreach (var go in _go) go.Release();
        foreach (var worker in _workers) worker.Join();
        foreach (var go in _go) go.Dispose();
        _done.Dispose();
    }
}
