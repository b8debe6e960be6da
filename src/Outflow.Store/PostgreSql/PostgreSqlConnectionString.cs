using System.Globalization;
using Npgsql;

namespace Outflow.Store.PostgreSql;

/// <summary>
/// Reads the PostgreSQL store setting, given either as an Npgsql key=value connection string or as a
/// libpq-style <c>postgresql://</c> or <c>postgres://</c> URI. Error messages never contain the password.
/// </summary>
internal static class PostgreSqlConnectionString
{
    private const string AcceptedForms =
        "Use Host=...;Port=...;Database=...;Username=...;Password=... or postgresql://user:password@host:port/database";

    /// <summary>Returns true when the value is a <c>postgresql://</c> or <c>postgres://</c> URI.</summary>
    public static bool IsUri(string value) =>
        value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses either accepted form into a builder.</summary>
    /// <exception cref="ArgumentException">The value is neither form, or names no host or database.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var builder = IsUri(value) ? ParseUri(value) : ParseKeyValue(value);
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException($"The PostgreSQL store connection string names no host. {AcceptedForms}.");
        }

        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException($"The PostgreSQL store connection string names no database. {AcceptedForms}.");
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "outflow";
        }

        return builder;
    }

    /// <summary>Describes the store as a URI without the password, for logs and command output.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var user = string.IsNullOrEmpty(builder.Username) ? "" : Uri.EscapeDataString(builder.Username) + "@";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"postgresql://{user}{builder.Host}:{builder.Port}/{Uri.EscapeDataString(builder.Database ?? "")}");
    }

    private static NpgsqlConnectionStringBuilder ParseKeyValue(string value)
    {
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The PostgreSQL store connection string is neither key=value pairs nor a postgresql:// or postgres:// URI. {AcceptedForms}.");
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            // Npgsql's message names the keyword that failed, not its value (checked with Npgsql 10.0.3).
            throw new ArgumentException(
                $"The PostgreSQL store connection string is not valid: {exception.Message.TrimEnd('.')}. {AcceptedForms}.", exception);
        }
    }

    private static NpgsqlConnectionStringBuilder ParseUri(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            // NOTE: libpq's multi-host URIs (host1:5432,host2:5432) fail here, so such setups need the key=value form.
            throw new ArgumentException($"The PostgreSQL store URI is not valid. {AcceptedForms}.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(separator < 0 ? pair : pair[..separator]);
            var parameter = separator < 0 ? "" : Uri.UnescapeDataString(pair[(separator + 1)..]);
            SetUriParameter(builder, key, parameter);
        }

        return builder;
    }

    private static void SetUriParameter(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        try
        {
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    // libpq spells the modes in kebab case (verify-full), and Npgsql's enum names drop the hyphen.
                    builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                default:
                    // Any other parameter is taken as an Npgsql keyword, e.g. "Maximum Pool Size=20".
                    builder[key] = value;
                    break;
            }
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
        {
            throw new ArgumentException(
                $"The PostgreSQL store URI parameter \"{key}\" is not valid: {exception.Message.TrimEnd('.')}. "
                + "Supported are sslmode, connect_timeout, application_name and Npgsql connection string keywords.",
                exception);
        }
    }
}
