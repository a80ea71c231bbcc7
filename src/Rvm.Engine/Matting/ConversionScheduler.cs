using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Rvm.Matting;

/// <summary>
/// Runs up to <see cref="Limit"/> conversions at once, each on a thread of its own, while the owner's thread (the
/// pipeline thread of Convert-RvmVideo) runs everything they report: workers <see cref="Post"/> messages, and a
/// finished conversion's result or error is such a message too, so only the owner's thread writes. One failing
/// conversion does not stop the others; cancelling the token stops them all, and <see cref="WaitAll"/> still waits
/// for each to clean up (remove its temporaries) and report.
/// </summary>
internal sealed class ConversionScheduler : IDisposable
{
    private readonly BlockingCollection<Action> _messages = new BlockingCollection<Action>();
    private readonly bool[] _busy;
    private readonly CancellationTokenSource _stop;
    private int _running;

    public ConversionScheduler(int limit, CancellationToken cancel)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "At least one conversion must be allowed at a time.");
        Limit = limit;
        _busy = new bool[limit];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
    }

    public int Limit { get; }

    /// <summary>What each conversion is given: the caller's token, or <see cref="WaitAllAfterStop"/>.</summary>
    public CancellationToken Cancel => _stop.Token;

    /// <summary>Conversions started whose end the owner has not yet run.</summary>
    public int Running => _running;

    /// <summary>
    /// The CPU threads each of <paramref name="limit"/> conversions at once gets: the model's divided among them, at
    /// least one (the same rule as segments of one video).
    /// </summary>
    public static int ThreadsEach(int modelThreads, int limit) => Math.Max(1, modelThreads / Math.Max(1, limit));

    /// <summary>Queues something a worker wants done on the owner's thread (a progress record, a verbose line).</summary>
    public void Post(Action message) => _messages.Add(message);

    /// <summary>
    /// Starts <paramref name="work"/> in a free slot (0 to Limit-1, never shared by two running conversions, so a
    /// slot can own a model), first running reported messages on this thread until one is free.
    /// <paramref name="finished"/> runs on this thread with the result, or with the error, when the work ends.
    /// </summary>
    public void Start(Func<int, CancellationToken, RvmConversionResult> work, Action<RvmConversionResult?, Exception?> finished)
    {
        while (_running >= Limit) RunNext();
        int slot = Array.IndexOf(_busy, false);
        _busy[slot] = true;
        _running++;
        var thread = new Thread(() =>
        {
            RvmConversionResult? result = null;
            Exception? error = null;
            try { result = work(slot, Cancel); }
            catch (Exception e) { error = e; }
            _messages.Add(() =>
            {
                _busy[slot] = false;
                _running--;
                finished(result, error);
            });
        }) { IsBackground = true, Name = $"Rvm conversion {slot}" };
        thread.Start();
    }

    /// <summary>Runs the messages already reported, without waiting.</summary>
    public void RunReported()
    {
        while (_messages.TryTake(out var message)) message();
    }

    /// <summary>Runs reported messages until every conversion started has ended and reported its end.</summary>
    public void WaitAll()
    {
        while (_running > 0) RunNext();
        RunReported();
    }

    /// <summary>
    /// After a stop (Ctrl+C, or a downstream command that wants no more): stops every conversion and waits for each
    /// to end (each removes its temporaries), running what they reported but ignoring what that throws, since
    /// writing to a stopped pipeline fails.
    /// </summary>
    public void WaitAllAfterStop()
    {
        _stop.Cancel();
        while (_running > 0 || _messages.Count > 0)
        {
            try { RunNext(); }
            catch (Exception) { }
        }
    }

    private void RunNext() => _messages.Take()();

    public void Dispose()
    {
        _messages.Dispose();
        _stop.Dispose();
    }
}
