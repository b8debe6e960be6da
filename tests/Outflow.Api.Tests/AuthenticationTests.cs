using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Outflow.Core.Organizations;

namespace Outflow.Api.Tests;

public sealed class AuthenticationTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Me_without_authorization_returns_401_body()
    {
        using var client = server.CreateClient(null);
        var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal(401, response.Body!["status"]!.GetValue<int>());
        Assert.Equal("unauthorized", response.ErrorKey);
        Assert.Equal(401, response.Body["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(response.Body["message"]!.GetValue<string>()));
        Assert.Equal(response.Body["message"]!.GetValue<string>(), response.Body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Bearer", "not-a-real-key")]
    [InlineData("Bearer", "")]
    [InlineData("Token", ApiServerFixture.AdminKey)]
    [InlineData("Basic", "%%%not-base64%%%")]
    public async Task Me_with_invalid_credentials_returns_401(string scheme, string parameter)
    {
        using var client = server.CreateClient(null);
        var response = await client.SendAsync(
            HttpMethod.Get, "/api/me", headers: new Dictionary<string, string> { ["Authorization"] = $"{scheme} {parameter}".Trim() });

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("unauthorized", response.ErrorKey);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task Me_with_bearer_key_returns_user_identity(string scheme)
    {
        using var client = server.CreateClient(new AuthenticationHeaderValue(scheme, ApiServerFixture.AdminKey));
        var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.Data["is_user"]!.GetValue<bool>());
        Assert.False(response.Data["is_organization"]!.GetValue<bool>());
        Assert.Equal("default", response.Data["organization_name"]!.GetValue<string>());
        Assert.True(Guid.TryParse(response.Data["organization_id"]!.GetValue<string>(), out _));
        Assert.True(Guid.TryParse(response.Data["id"]!.GetValue<string>(), out _));
    }

    [Theory]
    [InlineData("{0}:")]
    [InlineData("{0}")]
    [InlineData(":{0}")]
    [InlineData("anyone:{0}")]
    public async Task Me_with_basic_key_in_either_half_succeeds(string credentials)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Format(credentials, ApiServerFixture.AdminKey)));
        using var client = server.CreateClient(new AuthenticationHeaderValue("Basic", encoded));
        var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Me_with_basic_wrong_password_returns_401()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiServerFixture.AdminKey + ":wrong"));
        using var client = server.CreateClient(new AuthenticationHeaderValue("Basic", encoded));
        var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task Me_with_organization_key_reports_organization()
    {
        var (organization, client) = await server.CreateOrganizationAsync(ApiKeyKind.Organization);
        using (client)
        {
            var response = await client.GetAsync("/api/me");

            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.True(response.Data["is_organization"]!.GetValue<bool>());
            Assert.False(response.Data["is_user"]!.GetValue<bool>());
            Assert.Null(response.Data["id"]);
            Assert.Equal(organization.Id.ToString(), response.Data["organization_id"]!.GetValue<string>());
            Assert.Equal(organization.Name, response.Data["organization_name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Healthz_needs_no_authorization()
    {
        using var client = server.CreateClient(null);
        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }
}
