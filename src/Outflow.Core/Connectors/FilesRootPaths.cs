namespace Outflow.Core.Connectors;

/// <summary>
/// Resolves paths of file-based connections (<c>sqlite</c>, <c>files</c>) the way the operating system opens them,
/// following symbolic links, so that a link inside the files root cannot lead to a file outside it.
/// </summary>
public static class FilesRootPaths
{
    // Linux stops after 40 links in one path lookup; the same bound ends link cycles here.
    private const int MaxLinks = 40;

    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <summary>
    /// Resolves <paramref name="path"/> against the files root and checks that the real file is inside the real root.
    /// Returns false with a message naming <paramref name="field"/> (<c>configuration.path</c>) when it is invalid or outside.
    /// </summary>
    /// <remarks>
    /// A message names only the path as configured: the resolved file, link targets and the files root's location
    /// are server paths, and links such as /proc/self/fd/1 would reveal them to the API user.
    /// </remarks>
    public static bool TryResolveInsideRoot(
        string filesRoot, string path, string field, out string fullPath, out string problem)
    {
        fullPath = "";
        string? root;
        string? resolved;
        try
        {
            var rootText = Path.TrimEndingDirectorySeparator(Path.GetFullPath(filesRoot));
            root = ResolveLinks(rootText);

            // GetFullPath only checks the text here; ".." is applied during resolution, after the links before it.
            _ = Path.GetFullPath(Path.Combine(rootText, path));
            resolved = ResolveLinks(Path.Combine(rootText, path));
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
        {
            problem = $"{field} {path} is not a valid file path; use a path inside the files root";
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The exception's message contains the server path where reading failed, so it is not passed on.
            problem = $"{field} {path} could not be resolved because reading a directory or symbolic link " +
                "on the way failed; use a readable path inside the files root";
            return false;
        }

        if (root is null)
        {
            problem = $"the files root goes through more than {MaxLinks} symbolic links, so {field} {path} " +
                "cannot be checked; the server operator must correct the files root setting";
            return false;
        }

        if (resolved is null)
        {
            problem = $"{field} {path} goes through more than {MaxLinks} symbolic links, which suggests " +
                "a link cycle; use a path inside the files root";
            return false;
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!resolved.StartsWith(prefix, StringComparison.Ordinal))
        {
            problem = $"{field} must be inside the files root, but {path} leads outside it " +
                "after following symbolic links and \"..\"; use a path inside the files root";
            return false;
        }

        fullPath = resolved;
        problem = "";
        return true;
    }

    /// <summary>
    /// Replaces every symbolic link among the components of the absolute <paramref name="path"/> with its target,
    /// then applies "." and "..". Components that do not exist are kept as written. Returns null when the path goes
    /// through more than 40 links, as in a link cycle.
    /// </summary>
    public static string? ResolveLinks(string path)
    {
        var current = Path.GetPathRoot(path) ?? throw new ArgumentException($"path {path} is not absolute", nameof(path));
        var pending = new Stack<string>();
        Push(pending, path[current.Length..]);
        var links = 0;
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component is "" or ".")
            {
                continue;
            }

            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Join(current, component);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            links++;
            if (links > MaxLinks)
            {
                return null;
            }

            // A relative target continues from the link's directory, an absolute one from its own root.
            var targetRoot = Path.GetPathRoot(target) ?? "";
            if (targetRoot.Length > 0)
            {
                current = targetRoot;
            }

            Push(pending, target[targetRoot.Length..]);
        }

        return current;
    }

    private static void Push(Stack<string> pending, string relativePath)
    {
        var components = relativePath.Split(Separators);
        for (var i = components.Length - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }
}
