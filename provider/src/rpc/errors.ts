import { IbmAbortError } from '../ibm/errors';
import { CancelledError, ResourceInitError } from '../resources/errors';
import { InputError } from '../shared/failures';
import type { WireObject } from './codec';
import { any, grpc, provider, status, struct } from './stubs';

/** A failure the engine shows to the user; `details` carries Pulumi's ErrorResourceInitFailed for partial creates. */
export interface GrpcError {
  code: number;
  details: string;
  metadata?: InstanceType<typeof grpc.Metadata>;
}

/**
 * Maps an operation's error to gRPC: invalid input → INVALID_ARGUMENT; a resource that exists but did not become
 * ready → ErrorResourceInitFailed with its id and outputs, encoded by the call (secrets kept secret), so state records
 * it; a cancel → CANCELLED; anything else → UNKNOWN with its message. Messages come from our own error classes, which
 * never carry secrets.
 */
export function toGrpcError(error: unknown, encodeOutputs: (outputs: Record<string, unknown>) => WireObject): GrpcError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InputError) return { code: grpc.status.INVALID_ARGUMENT, details: message };
  // A Cancel lands either in a wait between polls (CancelledError) or in the request under way (IbmAbortError).
  if (error instanceof CancelledError || IbmAbortError.isInstance(error)) return { code: grpc.status.CANCELLED, details: message };
  if (error instanceof ResourceInitError) {
    const detail = new provider.ErrorResourceInitFailed();
    detail.setId(error.id);
    detail.setProperties(struct.Struct.fromJavaScript(encodeOutputs(error.outputs)));
    detail.setReasonsList(error.reasons);
    const packed = new any.Any();
    packed.pack(detail.serializeBinary(), 'pulumirpc.ErrorResourceInitFailed');
    const st = new status.Status();
    st.setCode(grpc.status.UNKNOWN);
    st.setMessage(message);
    st.addDetails(packed);
    const metadata = new grpc.Metadata();
    metadata.add('grpc-status-details-bin', Buffer.from(st.serializeBinary()));
    return { code: grpc.status.UNKNOWN, details: message, metadata };
  }
  return { code: grpc.status.UNKNOWN, details: message };
}
