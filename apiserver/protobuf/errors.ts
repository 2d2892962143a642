// The two ways a protobuf body can fail to decode, kept apart because they mean different things
// to the client: a malformed body is the client's mistake (400), while a well-formed body that
// uses a field this server's message table does not describe is our limitation (415), and the
// client can always fall back to JSON.

/** The bytes are not valid protobuf for the expected message: truncated, bad wire type, bad magic. */
export class MalformedProtobufError extends Error {
  override readonly name = 'MalformedProtobufError';
}

/** Valid protobuf, but it names a field, kind or encoding this server cannot map to JSON. */
export class UnsupportedProtobufError extends Error {
  override readonly name = 'UnsupportedProtobufError';
}
