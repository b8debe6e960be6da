namespace Outflow.Store.Rows;

internal sealed class IdempotencyKeyRow
{
    public string ClaimId { get; set; } = "";

    public string Method { get; set; } = "";

    public string Path { get; set; } = "";

    public byte[] RequestHash { get; set; } = [];

    public long ExpiresAt { get; set; }

    public long? ResponseStatus { get; set; }

    public string? ResponseHeaders { get; set; }

    public byte[]? ResponseBody { get; set; }
}
