using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Rvm.Tests;

/// <summary>An HTTP server on 127.0.0.1 that answers every request with the test's handler, stopped on Dispose.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<HttpListenerContext, CancellationToken, Task> _handler;
    private readonly CancellationTokenSource _stop = new CancellationTokenSource();
    private int _requests;

    public LoopbackServer(Func<HttpListenerContext, CancellationToken, Task> handler)
    {
        _handler = handler;
        for (int attempt = 0; ; attempt++)
        {
            // A port the system just gave out, on a fresh listener each try: a listener that failed to start keeps
            // its prefix, and closing it later tries to bind that port again ("Address already in use").
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                BaseUrl = $"http://127.0.0.1:{port}/";
                break;
            }
            catch (HttpListenerException) when (attempt < 20) { }
        }
        Task.Run(Serve);
    }

    public string BaseUrl { get; } = "";

    /// <summary>How many requests arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _requests);
            _ = Task.Run(async () =>
            {
                try { await _handler(context, _stop.Token); context.Response.Close(); }
                catch (Exception) { try { context.Response.Abort(); } catch (Exception) { } }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Close(); }
        catch (HttpListenerException) { }   // cleanup only: the test's assertions are done
    }
}
