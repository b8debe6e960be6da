using System.Diagnostics;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// A small tmpfs mounted on a new temporary directory, so that a test can fill it and make writes fail with ENOSPC.
/// Mounting needs root or CAP_SYS_ADMIN; <see cref="SmallDiskFactAttribute"/> skips a test where mounting is rejected.
/// Dispose unmounts it and removes the directory.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private static readonly Lazy<string?> MountProblem = new(ProbeMount);

    private SmallDisk(string path)
    {
        Path = path;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    private string FillerPath => System.IO.Path.Combine(Path, "filler");

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? Problem => MountProblem.Value;

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB on a new temporary directory.</summary>
    public static async Task<SmallDisk> MountAsync(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("outflow-disk-").FullName;
        var (exitCode, error) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (exitCode != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs on {path} failed with exit code {exitCode}: {error}");
        }

        return new SmallDisk(path);
    }

    /// <summary>
    /// Writes a filler file that takes all the free space but <paramref name="freeBytes"/>, or all of it when the
    /// server writes at the same time, and returns the free bytes left, which tmpfs counts in whole pages.
    /// </summary>
    public long Fill(long freeBytes)
    {
        var size = Math.Max(0, new DriveInfo(Path).AvailableFreeSpace - freeBytes);
        using (var filler = new FileStream(FillerPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            // tmpfs allocates pages when they are written, so the file is written in full, not only extended.
            var block = new byte[64 * 1024];
            try
            {
                for (long written = 0; written < size; written += block.Length)
                {
                    filler.Write(block, 0, (int)Math.Min(block.Length, size - written));
                }
            }
            catch (IOException) when (new DriveInfo(Path).AvailableFreeSpace == 0)
            {
                // The server's own writes took the last pages first, so the disk is full already.
            }
        }

        return new DriveInfo(Path).AvailableFreeSpace;
    }

    /// <summary>Deletes the filler file, which frees its space at once.</summary>
    public void Free() => File.Delete(FillerPath);

    public async ValueTask DisposeAsync()
    {
        var (exitCode, error) = await RunAsync("umount", "--lazy", Path);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"umount {Path} failed with exit code {exitCode}: {error}");
        }

        Directory.Delete(Path);
    }

    /// <summary>Mounts and unmounts a 1 MiB tmpfs, and returns the error when either fails.</summary>
    private static string? ProbeMount()
    {
        try
        {
            var disk = MountAsync(1).GetAwaiter().GetResult();
            disk.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return exception.Message;
        }
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, error.Trim());
    }
}

/// <summary>A fact that is skipped, with the reason, where this process cannot mount a tmpfs.</summary>
internal sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.Problem is { } problem)
        {
            Skip = $"this test needs to mount a tmpfs, which failed here: {problem}";
        }
    }
}
