namespace Outflow.Api.Errors;

/// <summary>
/// Every <c>key</c> value an <c>ApiError</c> body can carry. Keys are stable snake_case codes that clients
/// match on, so a key is never renamed or reused for another meaning.
/// </summary>
public static class ApiErrorKeys
{
    // Requests the server cannot read (400).
    public const string InvalidJson = "invalid_json";
    public const string MalformedRequest = "malformed_request";
    public const string InvalidField = "invalid_field";
    public const string MissingField = "missing_field";
    public const string InvalidQueryParameter = "invalid_query_parameter";
    public const string InvalidPageToken = "invalid_page_token";
    public const string InvalidApiVersion = "invalid_api_version";
    public const string RequestTooLarge = "request_too_large";
    public const string RequestTargetTooLong = "request_target_too_long";
    public const string HeadersTooLarge = "headers_too_large";
    public const string ConnectionNotSource = "connection_not_source";
    public const string ExecutionFinished = "execution_finished";
    public const string InvalidStatusTransition = "invalid_status_transition";
    public const string InvalidIdempotencyKey = "invalid_idempotency_key";
    public const string InvalidJobType = "invalid_job_type";
    public const string SampleTimedOut = "sample_timed_out";

    // Authentication (401) and routing (404, 405).
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";

    // Well-formed requests that name missing objects or impossible combinations (422).
    public const string UnknownConnectionType = "unknown_connection_type";
    public const string InvalidConfiguration = "invalid_configuration";
    public const string ConnectionFailed = "connection_failed";
    public const string ConnectionInUse = "connection_in_use";
    public const string ConnectionTypeMismatch = "connection_type_mismatch";
    public const string ConnectionNotFound = "connection_not_found";
    public const string ConnectionNotDestination = "connection_not_destination";
    public const string InvalidModelConfiguration = "invalid_model_configuration";
    public const string ModelQueryFailed = "model_query_failed";
    public const string ModelNotFound = "model_not_found";
    public const string ModelInUse = "model_in_use";
    public const string UnknownModelField = "unknown_model_field";
    public const string DuplicateModelField = "duplicate_model_field";
    public const string MissingModel = "missing_model";
    public const string TargetObjectNotFound = "target_object_not_found";
    public const string TargetObjectExists = "target_object_exists";
    public const string InvalidTargetName = "invalid_target_name";
    public const string InvalidCreationProperty = "invalid_creation_property";
    public const string InvalidFieldType = "invalid_field_type";
    public const string TargetCreationFailed = "target_creation_failed";
    public const string UnsupportedMode = "unsupported_mode";
    public const string InvalidFieldMapping = "invalid_field_mapping";
    public const string DuplicateTargetField = "duplicate_target_field";
    public const string MultipleModelsUnsupported = "multiple_models_unsupported";
    public const string MissingIdentity = "missing_identity";
    public const string UnsupportedIdentityFunction = "unsupported_identity_function";
    public const string InvalidIdentity = "invalid_identity";
    public const string UnsupportedSchedule = "unsupported_schedule";
    public const string InvalidSchedule = "invalid_schedule";
    public const string UnsupportedOption = "unsupported_option";
    public const string InvalidFilter = "invalid_filter";
    public const string InvalidFilterLogic = "invalid_filter_logic";
    public const string InvalidOverride = "invalid_override";
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    // Signed log download URLs that were altered, truncated or signed elsewhere, or that expired (403).
    public const string InvalidDownloadToken = "invalid_download_token";
    public const string DownloadExpired = "download_expired";

    // Requests that conflict with the current state (409).
    public const string SyncInactive = "sync_inactive";
    public const string ExecutionInProgress = "execution_in_progress";
    public const string IdempotencyKeyInUse = "idempotency_key_in_use";

    // Too many requests for one API key, or from one address without a valid key (429).
    public const string RateLimited = "rate_limited";

    // Server faults (500).
    public const string InternalError = "internal_error";
}
