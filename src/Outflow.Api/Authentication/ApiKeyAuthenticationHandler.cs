using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outflow.Api.Errors;
using Outflow.Core.Organizations;

namespace Outflow.Api.Authentication;

/// <summary>
/// Authenticates API keys sent as <c>Authorization: Bearer KEY</c>, or with HTTP Basic as the username
/// (empty password) or as the password (any username). Keys are looked up by their SHA-256 hash only.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "ApiKey";

    private const string MissingMessage =
        "the request has no Authorization header: send \"Authorization: Bearer <api key>\"";

    private const string UnknownKeyMessage =
        "the API key is not valid: check the key, or create a new one with \"outflow keys create\"";

    private readonly IOrganizationStore _organizations;

    public ApiKeyAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory loggerFactory,
        UrlEncoder encoder,
        IOrganizationStore organizations)
        : base(options, loggerFactory, encoder)
    {
        _organizations = organizations;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthenticateResult.NoResult();
        }

        var key = ReadKey(header, out var problem);
        if (key is null)
        {
            return AuthenticateResult.Fail(problem);
        }

        var principal = await _organizations.FindByKeyHashAsync(ApiKeySecret.Hash(key), Context.RequestAborted);
        if (principal is null)
        {
            Log.ApiKeyRejected(Logger, Request.Path);
            return AuthenticateResult.Fail(UnknownKeyMessage);
        }

        Context.SetApiPrincipal(principal);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, principal.KeyId.ToString()),
                new Claim("organization_id", principal.Organization.Id.ToString()),
                new Claim("key_kind", principal.Kind.ToString().ToLower(CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure?.Message ?? MissingMessage;
        Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"outflow\"";
        await ApiErrorWriter.WriteAsync(
            Context,
            new ApiError
            {
                Status = StatusCodes.Status401Unauthorized,
                Key = ApiErrorKeys.Unauthorized,
                Message = message,
                Error = message,
                Code = StatusCodes.Status401Unauthorized,
            });
    }

    private static string? ReadKey(string header, out string problem)
    {
        problem = "";
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrWhiteSpace(value.Parameter))
        {
            problem = "the Authorization header is malformed: send \"Bearer <api key>\" or HTTP Basic credentials";
            return null;
        }

        if (string.Equals(value.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return value.Parameter.Trim();
        }

        if (!string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"the Authorization scheme {value.Scheme} is not supported: use Bearer or Basic";
            return null;
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter.Trim()));
        }
        catch (FormatException)
        {
            problem = "the Basic credentials are not valid base64: encode \"<username>:<password>\" with the API key in one half";
            return null;
        }

        var separator = credentials.IndexOf(':', StringComparison.Ordinal);
        var username = separator < 0 ? credentials : credentials[..separator];
        var password = separator < 0 ? "" : credentials[(separator + 1)..];

        // The key is the password when one is sent, otherwise the username.
        var key = password.Length > 0 ? password : username;
        if (key.Length == 0)
        {
            problem = "the Basic credentials are empty: send the API key as the username or as the password";
            return null;
        }

        return key;
    }
}
