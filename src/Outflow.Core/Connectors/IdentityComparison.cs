namespace Outflow.Core.Connectors;

/// <summary>
/// How a target compares values of an identity field. The engine keys its state by the identity text reduced the
/// same way, so two rows that the target would take for one record are reported as duplicates instead of one
/// silently overwriting the other.
/// </summary>
[Flags]
public enum IdentityComparison
{
    /// <summary>Values match only when they are equal character for character.</summary>
    Exact = 0,

    /// <summary>ASCII letters match regardless of case (SQLite's NOCASE collation).</summary>
    IgnoreAsciiCase = 1,

    /// <summary>Letters match regardless of case, by lowercasing (PostgreSQL's citext).</summary>
    IgnoreCase = 2,

    /// <summary>Trailing spaces do not count (PostgreSQL's character(n), SQLite's RTRIM collation).</summary>
    IgnoreTrailingSpaces = 4,
}
