using System.Net;
using System.Text.Json.Nodes;
using Outflow.Testing;

namespace Outflow.Api.Tests;

[CollectionDefinition(MariaDbFixture.CollectionName)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbFixture>;

[Collection(MariaDbFixture.CollectionName)]
public sealed class MySqlConnectionTests(MariaDbFixture mariadb, ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Create_connects_and_masks_password()
    {
        var database = await mariadb.CreateDatabaseAsync();

        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "maria", ["type"] = "mysql", ["configuration"] = database.Configuration.DeepClone() });

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("********", created.Data["configuration"]!["password"]!.GetValue<string>());
        Assert.Equal(mariadb.Server.Port, created.Data["configuration"]!["port"]!.GetValue<int>());
        Assert.DoesNotContain(mariadb.Server.Password, created.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_wrong_password_returns_connection_failed()
    {
        var database = await mariadb.CreateDatabaseAsync();
        var configuration = (JsonObject)database.Configuration.DeepClone();
        configuration["password"] = "wrong-password";

        var response = await server.Client.PostAsync(
            "/api/connections", new JsonObject { ["name"] = "maria", ["type"] = "mysql", ["configuration"] = configuration });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("connection_failed", response.ErrorKey);
        Assert.Contains("Access denied", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_invalid_port_names_the_field()
    {
        var database = await mariadb.CreateDatabaseAsync();
        var configuration = (JsonObject)database.Configuration.DeepClone();
        configuration["port"] = 70000;

        var response = await server.Client.PostAsync(
            "/api/connections", new JsonObject { ["name"] = "maria", ["type"] = "mysql", ["configuration"] = configuration });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("configuration.port", response.Body!["metadata"]!["field"]!.GetValue<string>());
    }
}
