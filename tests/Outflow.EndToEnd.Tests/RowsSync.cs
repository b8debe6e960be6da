using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>Creates, through the API, a replace sync from a SQLite table of rows into a target table, keyed on <c>id</c>.</summary>
internal static class RowsSync
{
    /// <summary>
    /// Creates the source and target connections, the model and the sync from the table <c>rows</c> in rows.sqlite into
    /// <c>public.rows</c>, and returns the sync's id. Each of <paramref name="fields"/>, model fields besides <c>id</c>, is
    /// written into the target column of its name.
    /// </summary>
    public static Task<string> CreateAsync(ApiClient api, PostgresDatabase target, params string[] fields) =>
        CreateAsync(api, "rows.sqlite", "postgresql", target.Configuration, "public.rows", fields);

    /// <summary>
    /// Creates the connections, the model and the sync from the table <c>rows</c> of the SQLite file
    /// <paramref name="sourcePath"/> (relative to the files root) into <paramref name="targetObject"/> of a
    /// <paramref name="targetType"/> connection, and returns the sync's id.
    /// </summary>
    public static async Task<string> CreateAsync(
        ApiClient api, string sourcePath, string targetType, object targetConfiguration, string targetObject, params string[] fields)
    {
        var source = await api.PostAsync("api/connections", new { name = "rows", type = "sqlite", configuration = new { path = sourcePath } });
        var warehouse = await api.PostAsync("api/connections", new { name = "warehouse", type = targetType, configuration = targetConfiguration });
        var model = await api.PostAsync("api/models", new
        {
            name = "rows",
            connection_id = source["data"]!["id"]!.GetValue<string>(),
            configuration = new { table = "rows" },
        });
        var modelId = model["data"]!["id"]!.GetValue<string>();
        var sync = await api.PostAsync("api/syncs", new
        {
            name = "rows to warehouse",
            mode = "replace",
            active = true,
            schedule = new { frequency = "manual" },
            target = new { connection_id = warehouse["data"]!["id"]!.GetValue<string>(), @object = targetObject },
            identity = new { source = new { model_id = modelId, field = "id" }, target = "id", function = "Equality" },
            fields = fields.Select(field => new { source = new { model_id = modelId, field }, target = field }).ToArray(),
        });
        return sync["data"]!["id"]!.GetValue<string>();
    }
}
