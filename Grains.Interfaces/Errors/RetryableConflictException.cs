namespace OrleansCoord.Errors;

/// <summary>
/// The request was not applied because storage refused a conditional write (another activation or
/// transaction changed a record first). Nothing was written; the client retries the request as is.
/// </summary>
[GenerateSerializer]
public sealed class RetryableConflictException(string message) : Exception(message);
