using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Rvm.Matting;

/// <summary>
/// Convert-RvmVideo's whole-run progress: "Input n of N" when the inputs are known up front (-Path with wildcards, a
/// folder, an array), "Input n" from the pipeline; and, with N known, the share done and the time left. Inputs count
/// equally: each converting input adds its frames done over its frames (0 while its length is unknown), so the time
/// left is the time so far per input done times the inputs left; with -ThrottleLimit the running inputs add up.
/// Skipped and refused inputs take no time and leave the count of inputs to convert.
/// </summary>
internal sealed class InputsProgress
{
    private readonly Func<TimeSpan> _elapsed;
    private readonly Dictionary<int, double> _running = new Dictionary<int, double>();
    private TimeSpan? _started;
    private int _finished;
    private int _passed;

    /// <param name="total">The inputs known up front; null: from the pipeline, not known.</param>
    /// <param name="elapsed">The run's clock (tests give their own); null: a stopwatch started now.</param>
    public InputsProgress(int? total, Func<TimeSpan>? elapsed = null)
    {
        Total = total;
        if (elapsed == null)
        {
            var watch = Stopwatch.StartNew();
            elapsed = () => watch.Elapsed;
        }
        _elapsed = elapsed;
    }

    public int? Total { get; }

    /// <summary>Inputs met so far, converted or not: the n of "Input n of N".</summary>
    public int Count { get; private set; }

    /// <summary>The next input is met; returns its number.</summary>
    public int Next() => ++Count;

    /// <summary>Input <paramref name="input"/> is skipped or refused before converting: it needs no time.</summary>
    public void Pass(int input)
    {
        _running.Remove(input);
        _passed++;
    }

    /// <summary>Input <paramref name="input"/> starts converting.</summary>
    public void Start(int input)
    {
        _started ??= _elapsed();
        _running[input] = 0;
    }

    /// <summary>Input <paramref name="input"/> has <paramref name="framesDone"/> of <paramref name="totalFrames"/> (null: unknown) frames done.</summary>
    public void Report(int input, long framesDone, long? totalFrames)
    {
        if (_running.ContainsKey(input) && totalFrames > 0) _running[input] = Math.Min(1.0, (double)framesDone / totalFrames.Value);
    }

    /// <summary>Input <paramref name="input"/> is converted or failed converting.</summary>
    public void Finish(int input)
    {
        if (_running.Remove(input)) _finished++;
    }

    /// <summary>Inputs' worth converted: the finished ones and the running ones' shares.</summary>
    public double Done => _finished + _running.Values.Sum();

    private int? ToConvert => Total - _passed;

    /// <summary>Percent of the inputs to convert that is done; null when N is not known.</summary>
    public int? PercentComplete => ToConvert is int n && n > 0 ? (int)Math.Min(100, Done * 100 / n) : (int?)null;

    /// <summary>Time left: the time so far per input converted times the inputs left; null when N or the rate is not known yet.</summary>
    public TimeSpan? Remaining
    {
        get
        {
            if (!(ToConvert is int n) || _started == null || Done <= 0) return null;
            var spent = _elapsed() - _started.Value;
            return TimeSpan.FromTicks((long)(spent.Ticks * Math.Max(0, n - Done) / Done));
        }
    }

    /// <summary>The parent bar's status line for input <paramref name="input"/> named <paramref name="name"/>.</summary>
    public string Status(int input, string name) => Total.HasValue ? $"Input {input} of {Total}: {name}" : $"Input {input}: {name}";
}
