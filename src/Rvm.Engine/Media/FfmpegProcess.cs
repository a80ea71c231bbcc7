using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Rvm.Processes;

namespace Rvm.Media;

/// <summary>
/// One ffmpeg or ffprobe process with its pipes. Arguments are passed as a list and quoted, so file names are
/// never read as options. Stderr is read on its own thread: each line goes to an optional handler and the last
/// lines are kept for error messages. Cancelling or disposing kills the process, and on Windows whatever a launcher
/// (a Chocolatey or Scoop shim) started for it: no ffmpeg outlives its job.
/// </summary>
internal sealed class FfmpegProcess : IDisposable
{
    private readonly ChildProcess _child;
    private readonly Process _process;
    private readonly Thread _stderrThread;
    private readonly Queue<string> _tail = new Queue<string>();
    private readonly CancellationTokenRegistration _registration;
    private int _killed;

    public FfmpegProcess(string tool, IEnumerable<string> arguments, bool redirectInput, bool redirectOutput,
        Action<string>? onStderrLine = null, CancellationToken cancel = default)
    {
        var folder = FfmpegLocator.Folder();
        var exe = Path.Combine(folder, tool + (Path.DirectorySeparatorChar == '\\' ? ".exe" : ""));
        var info = new ProcessStartInfo(exe, CommandLine.Join(arguments))
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            // ffmpeg writes file names and tags in UTF-8 on every OS; Windows would otherwise decode its console code page.
            StandardErrorEncoding = Encoding.UTF8,
        };
        _child = ChildProcess.Start(info, tool);
        _process = _child.Process;
        _stderrThread = new Thread(() =>
        {
            string? line;
            while ((line = _process.StandardError.ReadLine()) != null)
            {
                lock (_tail)
                {
                    _tail.Enqueue(line);
                    if (_tail.Count > 20) _tail.Dequeue();
                }
                onStderrLine?.Invoke(line);
            }
        }) { IsBackground = true, Name = $"{tool} stderr" };
        _stderrThread.Start();
        _registration = cancel.Register(Kill);
    }

    public Stream Input => _process.StandardInput.BaseStream;
    public Stream Output => _process.StandardOutput.BaseStream;
    public bool WasKilled => _killed != 0;

    /// <summary>Waits for the end of the process and of its stderr; returns the exit code.</summary>
    public int WaitForExit()
    {
        _process.WaitForExit();
        _stderrThread.Join();
        return _process.ExitCode;
    }

    /// <summary>
    /// Whether ffmpeg's last lines say the output was not finished although it exited 0: ffmpeg 5.1 does so when the
    /// disk fills as it writes the trailer, unless -xerror (which a writer that copies the input's audio cannot use:
    /// damaged audio would stop it).
    /// </summary>
    public static bool FailedToFinish(string errorTail) =>
        errorTail.IndexOf("Error writing trailer", StringComparison.OrdinalIgnoreCase) >= 0 ||
        errorTail.IndexOf("Error closing file", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>The last lines ffmpeg wrote to stderr, for an error message.</summary>
    public string ErrorTail(int lines = 3)
    {
        lock (_tail)
        {
            var last = _tail.Where(l => !string.IsNullOrWhiteSpace(l)).Reverse().Take(lines).Reverse().Select(l => l.Trim());
            return string.Join(" | ", last);
        }
    }

    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) != 0) return;
        _child.Kill();
    }

    public void Dispose()
    {
        _registration.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _child.Dispose();
    }
}
