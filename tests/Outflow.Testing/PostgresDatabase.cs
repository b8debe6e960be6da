using System.Text.Json.Nodes;

namespace Outflow.Testing;

/// <summary>
/// A fresh database on a <see cref="PostgresServer"/>: its name, an Npgsql connection string as the
/// superuser, and the configuration of an Outflow <c>postgresql</c> connection to it.
/// </summary>
/// <remarks><see cref="Configuration"/> is a new object on every read, so a test may change it freely.</remarks>
public sealed class PostgresDatabase(string name, string connectionString, JsonObject configuration)
{
    private readonly JsonObject _configuration = configuration;

    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public JsonObject Configuration => (JsonObject)_configuration.DeepClone();
}
