using Outflow.Core.Connectors;

namespace Outflow.Api.Models;

/// <summary>A user-defined field of <c>additional_fields</c>, at JSON path <see cref="Path"/> of the request.</summary>
internal sealed record AdditionalField(string Path, string Name, string Label, FieldType Type, string TypeName);
