namespace Outflow.Engine;

/// <summary>Disposal of several objects that each hold a file.</summary>
internal static class Disposables
{
    /// <summary>
    /// Disposes every object in order, also those after one that throws, and then throws the first exception. A file
    /// stream throws when its last flush fails, for example on a full disk, and a handle left open after that would
    /// lock its file against the execution's next attempt.
    /// </summary>
    public static void DisposeAll(params IDisposable?[] disposables)
    {
        List<Exception>? failures = null;
        foreach (var disposable in disposables)
        {
            try
            {
                disposable?.Dispose();
            }
            catch (Exception exception)
            {
                (failures ??= []).Add(exception);
            }
        }

        if (failures is [var only])
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(only);
        }

        if (failures is not null)
        {
            throw new AggregateException(failures);
        }
    }
}
