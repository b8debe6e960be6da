using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Outflow.EndToEnd.Tests;

/// <summary>Runs the built <c>outflow</c> program as a child process, the way a user runs it.</summary>
public sealed partial class OutflowProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private OutflowProcess(Process process)
    {
        _process = process;
    }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Runs a command to its end and returns its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Process.Start(CreateStartInfo(environment, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts <c>outflow serve</c> and waits until it logs the address it listens on.</summary>
    public static Task<(OutflowProcess Process, Uri Address)> StartServerAsync(
        IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        StartServerAsync("serve", environment, arguments);

    /// <summary>Starts <c>outflow COMMAND</c> (serve, api or worker) and waits until it logs the address it listens on.</summary>
    public static async Task<(OutflowProcess Process, Uri Address)> StartServerAsync(
        string command, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var process = new OutflowProcess(Process.Start(CreateStartInfo(environment, [command, .. arguments]))!);
        process._process.OutputDataReceived += (_, line) => process.OnLine(line.Data);
        process._process.ErrorDataReceived += (_, line) => process.OnLine(line.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        var started = await Task.WhenAny(process._address.Task, process._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(1)));
        if (started != process._address.Task)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"outflow {command} did not start:\n" + string.Join('\n', process.Output));
        }

        return (process, await process._address.Task);
    }

    /// <summary>Kills the process with SIGKILL, so that it gets no chance to hand anything back.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits until the process exits by itself, for example at a crash point, and returns its exit code.</summary>
    /// <exception cref="TimeoutException">The process is still running after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            throw new TimeoutException($"the process did not exit within {timeout}:\n" + string.Join('\n', Output.TakeLast(20)));
        }

        return _process.ExitCode;
    }

    /// <summary>The process id, which an execution lease records in its owner as host:pid.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Sends a POSIX signal to the process with the <c>kill</c> program, e.g. STOP to pause it as a long GC pause
    /// would, and CONT to resume it.
    /// </summary>
    public async Task SignalAsync(string signal)
    {
        var startInfo = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("-" + signal);
        startInfo.ArgumentList.Add(_process.Id.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(startInfo)!;
        var error = await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with exit code {kill.ExitCode}: {error}");
        }
    }

    /// <summary>Returns whether the process logged a line that contains <paramref name="text"/>.</summary>
    public bool Logged(string text) => Output.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>
    /// Sends SIGTERM, as a service manager does to stop the process, and returns its exit code once it has exited, or
    /// null when it is still running after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        await SignalAsync("TERM");
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Returns whether the process logged that it started the execution.</summary>
    public bool LoggedStart(string executionId) =>
        Output.Any(line => line.Contains($"Execution {executionId} of sync", StringComparison.Ordinal)
            && line.Contains("started", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static ProcessStartInfo CreateStartInfo(IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(ProgramPath());
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }

    /// <summary>Finds outflow.dll in the host project's build output of the same configuration as this test.</summary>
    public static string ProgramPath()
    {
        // bin/<configuration>/net10.0/ of this test project names the configuration to use.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot(), "src", "Outflow", "bin", configuration, "net10.0", "outflow.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} does not exist: build the solution first", path);
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Outflow.slnx")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException("cannot find the repository root (Outflow.slnx) above " + AppContext.BaseDirectory);
        }

        return directory.FullName;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        var match = ListeningAddress().Match(line);
        if (match.Success)
        {
            _address.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex("listening on (http://127\\.0\\.0\\.1:[0-9]+/?)")]
    private static partial Regex ListeningAddress();

}
