namespace Outflow.EndToEnd.Tests;

/// <summary>One row of the customer lifetime value model, as the target table should hold it.</summary>
public sealed record CustomerValue(
    long CustomerId, string? Email, string FirstName, string LastName, string? Country, decimal LifetimeValue);
