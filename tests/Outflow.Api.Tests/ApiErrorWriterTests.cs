using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Outflow.Api.Errors;
using Outflow.Api.Json;

namespace Outflow.Api.Tests;

/// <summary>Serialization of error bodies whose values JSON numbers cannot represent.</summary>
public sealed class ApiErrorWriterTests
{
    public static TheoryData<object, string> NonFiniteValues => new()
    {
        { double.PositiveInfinity, "Infinity" },
        { double.NegativeInfinity, "-Infinity" },
        { double.NaN, "NaN" },
        { float.PositiveInfinity, "Infinity" },
        { float.NaN, "NaN" },
    };

    [Theory]
    [MemberData(nameof(NonFiniteValues))]
    public void Non_finite_value_is_written_as_string(object value, string expected)
    {
        var exception = new ApiException(
            StatusCodes.Status422UnprocessableEntity, ApiErrorKeys.InvalidConfiguration, "invalid", "configuration.rate", value,
            new Dictionary<string, object?> { ["limit"] = value });

        var json = JsonSerializer.Serialize(ApiErrorWriter.FromException(exception), ApiJson.Options);

        var metadata = JsonNode.Parse(json)!["metadata"]!;
        Assert.Equal(expected, metadata["value"]!.GetValue<string>());
        Assert.Equal(expected, metadata["limit"]!.GetValue<string>());
    }

    [Fact]
    public void Finite_value_stays_number()
    {
        var exception = new ApiException(
            StatusCodes.Status422UnprocessableEntity, ApiErrorKeys.InvalidConfiguration, "invalid", "configuration.rate", 2.5);

        var json = JsonSerializer.Serialize(ApiErrorWriter.FromException(exception), ApiJson.Options);

        Assert.Equal(2.5, JsonNode.Parse(json)!["metadata"]!["value"]!.GetValue<double>());
    }
}
