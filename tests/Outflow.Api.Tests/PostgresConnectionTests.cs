using System.Net;
using System.Text.Json.Nodes;
using Outflow.Testing;

namespace Outflow.Api.Tests;

[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresConnectionTests(PostgresFixture postgres, ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Password_is_masked_in_every_response()
    {
        var database = await postgres.CreateDatabaseAsync();
        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "pg", ["type"] = "postgresql", ["configuration"] = database.Configuration });

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("********", created.Data["configuration"]!["password"]!.GetValue<string>());
        Assert.Equal(database.Name, created.Data["configuration"]!["database"]!.GetValue<string>());
        Assert.DoesNotContain(postgres.Server.Password, created.Text, StringComparison.Ordinal);

        var id = created.Data["id"]!.GetValue<string>();
        var fetched = await server.Client.GetAsync($"/api/connections/{id}");
        Assert.Equal("********", fetched.Data["configuration"]!["password"]!.GetValue<string>());
        Assert.DoesNotContain(postgres.Server.Password, fetched.Text, StringComparison.Ordinal);

        var listed = await server.Client.GetAsync("/api/connections");
        Assert.DoesNotContain(postgres.Server.Password, listed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_with_masked_password_keeps_stored_password()
    {
        var database = await postgres.CreateDatabaseAsync();
        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "pg", ["type"] = "postgresql", ["configuration"] = database.Configuration });
        var id = created.Data["id"]!.GetValue<string>();

        // The masked configuration goes back as is; the update connects with it, which works only with the real password.
        var masked = created.Data["configuration"]!.DeepClone();
        var updated = await server.Client.PutAsync(
            $"/api/connections/{id}", new JsonObject { ["name"] = "pg renamed", ["configuration"] = masked });

        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("********", updated.Data["configuration"]!["password"]!.GetValue<string>());

        var again = await server.Client.PutAsync(
            $"/api/connections/{id}", new JsonObject { ["name"] = "pg again", ["configuration"] = masked.DeepClone() });
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    [Fact]
    public async Task Update_with_wrong_password_returns_connection_failed()
    {
        var database = await postgres.CreateDatabaseAsync();
        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "pg", ["type"] = "postgresql", ["configuration"] = database.Configuration });
        var id = created.Data["id"]!.GetValue<string>();
        var configuration = database.Configuration;
        configuration["password"] = "wrong-password";

        var response = await server.Client.PutAsync(
            $"/api/connections/{id}", new JsonObject { ["name"] = "pg", ["configuration"] = configuration });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("connection_failed", response.ErrorKey);
        Assert.DoesNotContain("wrong-password", response.Text, StringComparison.Ordinal);

        // The rejected update left the stored password in place.
        var masked = created.Data["configuration"]!.DeepClone();
        var retry = await server.Client.PutAsync($"/api/connections/{id}", new JsonObject { ["name"] = "pg", ["configuration"] = masked });
        Assert.Equal(HttpStatusCode.OK, retry.Status);
    }

    [Fact]
    public async Task Model_with_repeated_column_name_returns_422()
    {
        var database = await postgres.CreateDatabaseAsync();
        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "pg", ["type"] = "postgresql", ["configuration"] = database.Configuration });
        var before = (await server.Client.GetAsync("/api/models")).Data.AsArray().Count;

        var model = await server.Client.PostAsync(
            "/api/models",
            new JsonObject
            {
                ["name"] = "ambiguous",
                ["connection_id"] = created.Data["id"]!.GetValue<string>(),
                ["configuration"] = new JsonObject { ["query"] = "SELECT 1 AS a, 2 AS a" },
            });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, model.Status);
        Assert.Equal("duplicate_model_field", model.ErrorKey);
        Assert.Equal("configuration.query", model.ErrorField);
        Assert.Equal(before, (await server.Client.GetAsync("/api/models")).Data.AsArray().Count);
    }
}
