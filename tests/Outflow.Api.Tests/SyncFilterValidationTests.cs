using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

public sealed class SyncFilterValidationTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Theory]
    [InlineData("unknown function", 400, "invalid_field", "filters[0].function")]
    [InlineData("missing function", 400, "missing_field", "filters[0].function")]
    [InlineData("target field type", 422, "unsupported_option", "filters[0].field_type")]
    [InlineData("unknown field type", 400, "invalid_field", "filters[0].field_type")]
    [InlineData("unknown model field", 422, "unknown_model_field", "filters[0].field.field")]
    [InlineData("unknown field id", 422, "unknown_model_field", "filters[0].field_id")]
    [InlineData("no field reference", 400, "missing_field", "filters[0].field")]
    [InlineData("scalar as array", 422, "invalid_filter", "filters[0].value")]
    [InlineData("text against number", 422, "invalid_filter", "filters[0].value")]
    [InlineData("between one value", 422, "invalid_filter", "filters[0].value")]
    [InlineData("relative unit", 422, "invalid_filter", "filters[0].value")]
    [InlineData("not a date", 422, "invalid_filter", "filters[0].value")]
    [InlineData("second filter", 422, "invalid_filter", "filters[1].value")]
    [InlineData("unknown token", 422, "invalid_filter_logic", "filter_logic")]
    [InlineData("unbalanced parentheses", 422, "invalid_filter_logic", "filter_logic")]
    [InlineData("unknown label", 422, "invalid_filter_logic", "filter_logic")]
    [InlineData("missing label", 422, "invalid_filter_logic", "filters[1].label")]
    [InlineData("duplicate label", 422, "invalid_filter_logic", "filters[1].label")]
    [InlineData("filter left out of logic", 422, "invalid_filter_logic", "filter_logic")]
    [InlineData("override without replacement", 400, "missing_field", "overrides[0].override")]
    [InlineData("override identity", 422, "invalid_override", "overrides[0].field_id")]
    [InlineData("override unknown function", 400, "invalid_field", "overrides[0].function")]
    [InlineData("override operand", 422, "invalid_override", "overrides[0].value")]
    [InlineData("override unknown field", 422, "unknown_model_field", "overrides[0].field_id")]
    [InlineData("override huge number", 422, "invalid_override", "overrides[0].override")]
    public async Task Create_invalid_filter_returns_error_naming_field(string problem, int status, string key, string field)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        // A JSON node can have only one parent, so every filter gets its own field reference.
        JsonObject Name() => Source(setup.ModelId, "name");
        JsonObject Id() => Source(setup.ModelId, "id");
        switch (problem)
        {
            case "unknown function": body["filters"] = Filters(Filter("Bogus", Name())); break;
            case "missing function": body["filters"] = Filters(new JsonObject { ["field"] = Name() }); break;
            case "target field type": body["filters"] = Filters(Filter("IsNull", Name(), fieldType: "Target")); break;
            case "unknown field type": body["filters"] = Filters(Filter("IsNull", Name(), fieldType: "Remote")); break;
            case "unknown model field": body["filters"] = Filters(Filter("IsNull", Source(setup.ModelId, "nickname"))); break;
            case "unknown field id": body["filters"] = Filters(new JsonObject { ["function"] = "IsNull", ["field_id"] = "nickname" }); break;
            case "no field reference": body["filters"] = Filters(new JsonObject { ["function"] = "IsNull" }); break;
            case "scalar as array": body["filters"] = Filters(Filter("Equality", Name(), new JsonArray("Ada"))); break;
            case "text against number": body["filters"] = Filters(Filter("GreaterThan", Id(), "abc")); break;
            case "between one value": body["filters"] = Filters(Filter("Between", Id(), new JsonArray(1))); break;
            case "relative unit":
                body["filters"] = Filters(Filter("InTheLast", Name(), new JsonObject { ["value"] = 1, ["unit"] = "years" }));
                break;
            case "not a date": body["filters"] = Filters(Filter("OnOrAfter", Name(), "yesterday")); break;
            case "second filter":
                body["filters"] = Filters(Filter("IsNull", Name()), Filter("StringOneOf", Name(), new JsonArray()));
                break;
            case "unknown token":
                body["filters"] = Filters(Filter("IsNull", Name(), label: "A"), Filter("IsNull", Id(), label: "B"));
                body["filter_logic"] = "A XOR B";
                break;
            case "unbalanced parentheses":
                body["filters"] = Filters(Filter("IsNull", Name(), label: "A"), Filter("IsNull", Id(), label: "B"));
                body["filter_logic"] = "(A OR B";
                break;
            case "unknown label":
                body["filters"] = Filters(Filter("IsNull", Name(), label: "A"));
                body["filter_logic"] = "A OR Z";
                break;
            case "missing label":
                body["filters"] = Filters(Filter("IsNull", Name(), label: "A"), Filter("IsNull", Id()));
                body["filter_logic"] = "A";
                break;
            case "override without replacement":
                body["overrides"] = new JsonArray(new JsonObject { ["field_id"] = "name" });
                break;
            case "filter left out of logic":
                body["filters"] = Filters(Filter("IsNull", Name(), label: "A"), Filter("IsNull", Id(), label: "B"));
                body["filter_logic"] = "A";
                break;
            case "duplicate label":
                body["filters"] = Filters(Filter("IsNull", Name(), label: "A"), Filter("IsNull", Id(), label: "A"));
                break;
            case "override identity":
                body["overrides"] = new JsonArray(new JsonObject { ["field_id"] = "id", ["override"] = 7 });
                break;
            case "override unknown function":
                body["overrides"] = new JsonArray(new JsonObject { ["field_id"] = "name", ["function"] = "Bogus", ["override"] = "x" });
                break;
            case "override operand":
                body["overrides"] = new JsonArray(
                    new JsonObject { ["field_id"] = "name", ["function"] = "Between", ["value"] = 5, ["override"] = "x" });
                break;
            case "override unknown field":
                body["overrides"] = new JsonArray(new JsonObject { ["field_id"] = "nickname", ["override"] = "x" });
                break;
            case "override huge number":
                body["overrides"] = new JsonArray(new JsonObject { ["field_id"] = "name", ["override"] = JsonNode.Parse("1e40") });
                break;
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown test case");
        }

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
    }

    [Fact]
    public async Task Create_invalid_operand_returns_value()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["filters"] = Filters(Filter("GreaterThan", Source(setup.ModelId, "id"), "abc"));

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("abc", response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Contains("filters[0].value", response.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_invalid_logic_returns_token()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["filters"] = Filters(Filter("IsNull", Source(setup.ModelId, "name"), label: "A"));
        body["filter_logic"] = "A && A";

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("&&", response.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_filter_on_other_model_returns_422()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var otherModel = await TestObjects.CreateModelAsync(server.Client, setup.SourceConnectionId);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["filters"] = Filters(Filter("IsNull", Source(otherModel["id"]!.GetValue<string>(), "name")));

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("multiple_models_unsupported", response.ErrorKey);
        Assert.Equal("filters[0].field.model_id", response.ErrorField);
    }

    [Fact]
    public async Task Create_valid_filters_and_overrides_are_stored()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["filters"] = Filters(
            Filter("IsNotNull", Source(setup.ModelId, "email"), label: "A"),
            Filter("StringOneOf", Source(setup.ModelId, "name"), new JsonArray("Ada", "Grace"), label: "B"),
            Filter("GreaterThan", Source(setup.ModelId, "id"), "1", label: "C"));
        body["filter_logic"] = "A AND (B OR NOT C)";
        body["overrides"] = new JsonArray(
            new JsonObject { ["field_id"] = "email", ["function"] = "IsNull", ["override"] = "none@example.com" },
            new JsonObject { ["field"] = Source(setup.ModelId, "name"), ["override"] = "anonymous" });

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var stored = (await server.Client.GetAsync($"/api/syncs/{response.Data["id"]!.GetValue<string>()}")).Data;
        Assert.Equal(3, stored["filters"]!.AsArray().Count);
        Assert.Equal("A AND (B OR NOT C)", stored["filter_logic"]!.GetValue<string>());
        Assert.Equal(2, stored["overrides"]!.AsArray().Count);
        Assert.Equal("StringOneOf", stored["filters"]![1]!["function"]!.GetValue<string>());
    }

    private static JsonObject Source(string modelId, string field) => new() { ["model_id"] = modelId, ["field"] = field };

    [Fact]
    public async Task Create_accepts_explicit_null_override()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["overrides"] = new JsonArray(new JsonObject { ["field_id"] = "email", ["override"] = null });

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(HttpStatusCode.OK, created.Status);
    }

    [Fact]
    public async Task Create_keeps_large_integer_operand_exact()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["filters"] = Filters(Filter("LessThan", Source(setup.ModelId, "id"), JsonNode.Parse("9223372036854775807")));

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var stored = await server.Client.GetAsync($"/api/syncs/{created.Data["id"]}");
        Assert.Equal("9223372036854775807", stored.Data["filters"]![0]!["value"]!.ToJsonString());
    }

    [Theory]
    [InlineData("Equality", 1)]
    [InlineData("GreaterThanEqual", 1)]
    [InlineData("LessThan", 1)]
    public async Task Start_filters_largest_integer_exactly(string function, int expected)
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, """
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
            INSERT INTO people VALUES (9223372036854775806, 'Ada', 'a'), (9223372036854775807, 'Grace', 'g');
            """, "big source");
        var model = (await TestObjects.CreateModelAsync(server.Client, source))["id"]!.GetValue<string>();
        var target = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.ContactsSql, "big target");
        var body = TestObjects.SyncBody(model, target);
        body["filters"] = Filters(Filter(function, Source(model, "id"), JsonNode.Parse("9223372036854775807")));
        var created = await server.Client.PostAsync("/api/syncs", body);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var syncId = created.Data["id"]!.GetValue<string>();

        var started = await server.Client.PostAsync($"/api/syncs/{syncId}/executions", new JsonObject());
        JsonNode execution;
        var polls = 0;
        do
        {
            // A bound on polling, not a timing assertion.
            Assert.True(polls++ < 600, "the execution did not finish");
            await Task.Delay(100);
            execution = (await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{started.Data["id"]}")).Data;
        }
        while (execution["status"]!.GetValue<string>() is not ("completed" or "failed"));

        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        Assert.Equal(expected, execution["counts"]!["insert"]!.GetValue<int>());
    }

    private static JsonObject Filter(string function, JsonObject field, JsonNode? value = null, string? label = null, string? fieldType = null)
    {
        var filter = new JsonObject { ["function"] = function, ["field"] = field };
        if (value is not null)
        {
            filter["value"] = value;
        }

        if (label is not null)
        {
            filter["label"] = label;
        }

        if (fieldType is not null)
        {
            filter["field_type"] = fieldType;
        }

        return filter;
    }

    private static JsonArray Filters(params JsonObject[] filters) => new(filters);
}
