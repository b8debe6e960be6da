namespace Outflow.Bench;

/// <summary>Splits <c>--option VALUE</c> pairs of the harness's command lines.</summary>
internal static class OptionValues
{
    /// <summary>
    /// Returns each option's value by name. A later occurrence of an option overrides an earlier one.
    /// </summary>
    /// <exception cref="ArgumentException">An argument is not an <c>--option VALUE</c> pair or names an unknown option.</exception>
    public static Dictionary<string, string> Parse(IReadOnlyList<string> args, IReadOnlyList<string> known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Invalid argument '{name}': expected --option VALUE.");
            }

            values[name] = args[++i];
        }

        var unknown = values.Keys.FirstOrDefault(key => !known.Contains(key, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new ArgumentException($"Unknown option '{unknown}'.");
        }

        return values;
    }
}
