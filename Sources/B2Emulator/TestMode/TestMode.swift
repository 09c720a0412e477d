import HTTPTypes
import Synchronization

/// B2's `X-Bz-Test-Mode` header, which B2 documents for a client's integration tests: the service fails on purpose,
/// the way it sometimes fails for real, so that the client's handling of it can be tested.
///
/// - `fail_some_uploads` (on `b2_upload_file` and `b2_upload_part`): one upload in three, starting with the first,
///   answers 503 `service_unavailable`; a client gets a new upload URL and tries again.
/// - `expire_some_account_authorization_tokens` (on `b2_authorize_account`): the token it issues expires
///   ``shortTokenLifetimeSeconds`` later (on the emulator's clock), so the client has to authorize again.
/// - `force_cap_exceeded` (on any call but `b2_authorize_account`): answers 403 with the cap the call would exceed:
///   `storage_cap_exceeded` for uploads, `download_cap_exceeded` for downloads, `transaction_cap_exceeded` for the
///   rest.
enum TestMode: String, CaseIterable, Sendable {
    case failSomeUploads = "fail_some_uploads"
    case expireSomeAccountAuthorizationTokens = "expire_some_account_authorization_tokens"
    case forceCapExceeded = "force_cap_exceeded"

    static let header = HTTPField.Name("X-Bz-Test-Mode")!

    /// How long a token issued under `expire_some_account_authorization_tokens` lives.
    static let shortTokenLifetimeSeconds: Int64 = 5

    /// The mode a request asks for, or nil without the header.
    /// - Throws: 400 `bad_request` for a value B2 does not document.
    init?(_ headers: HTTPFields) throws {
        guard let value = headers[Self.header] else { return nil }
        guard let mode = TestMode(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
            throw B2APIError.badRequest(
                "X-Bz-Test-Mode must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")), not \(value)")
        }
        self = mode
    }
}

/// Counts the uploads made under `fail_some_uploads`, so that which ones fail is the same on every run.
final class TestModeUploadCounter: Sendable {
    private let count = Atomic<UInt64>(0)

    /// True for the first upload and every third one after it.
    func nextFails() -> Bool {
        count.wrappingAdd(1, ordering: .relaxed).oldValue % 3 == 0
    }
}
