using System.Net;
using System.Net.Sockets;

namespace Outflow.Testing;

/// <summary>The direction of the bytes that <see cref="TcpFaultProxy.CutAfter"/> counts.</summary>
public enum ProxyDirection
{
    /// <summary>Bytes the clients send to the server, such as queries and COPY data.</summary>
    ToServer,

    /// <summary>Bytes the server sends back, such as the rows of a query result.</summary>
    ToClient,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of one server, which cuts its connections on request, the way a network failure,
/// a failover or a firewall does. A cut closes both sockets of every open connection with a TCP reset, so each side
/// gets an error at its next read or write. While <see cref="RejectConnections"/> is set, each new connection is reset
/// right after it is accepted, so the server is unreachable to clients. A hold (<see cref="HoldAfter"/>) stops the bytes
/// of one direction in the middle of a message and keeps the connections open, the way a paused client does.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly TcpListener _listener;
    private readonly string _serverHost;
    private readonly int _serverPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(Socket Client, Socket Server)> _open = [];
    private readonly Task _acceptLoop;
    private long _toServer;
    private long _toClient;
    private long _cutAt = long.MaxValue;
    private ProxyDirection _cutDirection;
    private bool _rejectAfterCut;
    private int _cuts;
    private TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _holdAt = long.MaxValue;
    private ProxyDirection _holdDirection;
    private ProxyDirection? _holding;
    private TaskCompletionSource _holdStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TcpFaultProxy(string serverHost, int serverPort)
    {
        _serverHost = serverHost;
        _serverPort = serverPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The port on 127.0.0.1 that clients connect to instead of the server's.</summary>
    public int Port { get; }

    /// <summary>When true, every new connection is reset as soon as it is accepted.</summary>
    public bool RejectConnections { get; set; }

    /// <summary>How many times the proxy cut its open connections.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Completes when a cut armed with <see cref="CutAfter"/> has happened.</summary>
    public Task CutDone => _cut.Task;

    /// <summary>Completes when a hold armed with <see cref="HoldAfter"/> has started.</summary>
    public Task HoldStarted => _holdStarted.Task;

    /// <summary>How many bytes the clients have sent towards the server so far, held bytes included.</summary>
    public long BytesToServer => Interlocked.Read(ref _toServer);

    /// <summary>Starts a proxy on a free port of 127.0.0.1 that forwards to <paramref name="serverHost"/>:<paramref name="serverPort"/>.</summary>
    public static TcpFaultProxy Start(string serverHost, int serverPort) => new(serverHost, serverPort);

    /// <summary>Starts a proxy in front of a PostgreSQL server started by the tests.</summary>
    public static TcpFaultProxy Start(PostgresServer server) => new(server.Host, server.Port);

    /// <summary>
    /// Arms one cut of every open connection once <paramref name="bytes"/> more bytes have passed in
    /// <paramref name="direction"/>. The chunk that crosses the mark is dropped, so the cut lands inside a message.
    /// With <paramref name="rejectAfter"/>, <see cref="RejectConnections"/> is set at the cut, so the server stays
    /// unreachable until the test clears it.
    /// </summary>
    public void CutAfter(long bytes, ProxyDirection direction, bool rejectAfter = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_open)
        {
            _cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _cutDirection = direction;
            _rejectAfterCut = rejectAfter;
            var passed = direction == ProxyDirection.ToServer ? Interlocked.Read(ref _toServer) : Interlocked.Read(ref _toClient);
            Volatile.Write(ref _cutAt, passed + bytes);
        }
    }

    /// <summary>
    /// Arms a hold once <paramref name="bytes"/> more bytes have passed in <paramref name="direction"/>. The proxy
    /// forwards the bytes up to the mark, then keeps reading that direction of every connection and drops what it reads,
    /// without closing anything. The receiving side then waits for the rest of a message, as it does for a process that
    /// was paused (SIGSTOP) in the middle of sending it. The hold lasts until the proxy cuts or is disposed.
    /// </summary>
    public void HoldAfter(long bytes, ProxyDirection direction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_open)
        {
            _holdStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holdDirection = direction;
            var passed = direction == ProxyDirection.ToServer ? Interlocked.Read(ref _toServer) : Interlocked.Read(ref _toClient);
            _holdAt = passed + bytes;
        }
    }

    /// <summary>Cuts every open connection now, which also ends a hold.</summary>
    public void CutAll()
    {
        List<(Socket Client, Socket Server)> open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
            _holding = null;
        }

        Interlocked.Increment(ref _cuts);
        foreach (var (client, server) in open)
        {
            Reset(client);
            Reset(server);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (RejectConnections)
            {
                Reset(client);
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_serverHost, _serverPort, _stopping.Token);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            Reset(client);
            server.Dispose();
            return;
        }

        lock (_open)
        {
            _open.Add((client, server));
        }

        await Task.WhenAll(
            PumpAsync(client, server, ProxyDirection.ToServer),
            PumpAsync(server, client, ProxyDirection.ToClient));
        lock (_open)
        {
            _open.Remove((client, server));
        }

        client.Dispose();
        server.Dispose();
    }

    /// <summary>Copies bytes from one socket to the other until either closes, counting them for an armed cut.</summary>
    private async Task PumpAsync(Socket from, Socket to, ProxyDirection direction)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (CountAndCheckCut(direction, read, out var total))
                {
                    return;
                }

                var forwarded = BytesBeforeHold(direction, read, total);
                if (forwarded > 0)
                {
                    await to.SendAsync(buffer.AsMemory(0, forwarded), SocketFlags.None);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // The other side or a cut closed the connection, and the other pump stops on the same error.
            Reset(from);
            Reset(to);
        }
    }

    /// <summary>Adds <paramref name="read"/> bytes to the direction's count, and cuts when that crosses an armed mark.</summary>
    private bool CountAndCheckCut(ProxyDirection direction, int read, out long total)
    {
        total = direction == ProxyDirection.ToServer
            ? Interlocked.Add(ref _toServer, read)
            : Interlocked.Add(ref _toClient, read);
        TaskCompletionSource cut;
        lock (_open)
        {
            if (direction != _cutDirection || total < Volatile.Read(ref _cutAt))
            {
                return false;
            }

            Volatile.Write(ref _cutAt, long.MaxValue);
            if (_rejectAfterCut)
            {
                RejectConnections = true;
            }

            cut = _cut;
        }

        CutAll();
        cut.TrySetResult();
        return true;
    }

    /// <summary>
    /// Returns how many of the <paramref name="read"/> bytes that brought the direction's count to <paramref name="total"/>
    /// pass: all of them before an armed hold, those up to its mark in the chunk that crosses it, and none once it holds.
    /// </summary>
    private int BytesBeforeHold(ProxyDirection direction, int read, long total)
    {
        TaskCompletionSource holdStarted;
        int before;
        lock (_open)
        {
            if (_holding == direction)
            {
                return 0;
            }

            if (direction != _holdDirection || total < _holdAt)
            {
                return read;
            }

            before = read - (int)(total - _holdAt);
            _holdAt = long.MaxValue;
            _holding = direction;
            holdStarted = _holdStarted;
        }

        holdStarted.TrySetResult();
        return before;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // A zero linger time makes Close send a TCP reset instead of a graceful FIN.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }
}
