/**
 * Pulumi's generated gRPC stubs and protobuf messages, loaded directly (not through @pulumi/pulumi's index, which
 * would pull in the whole SDK and slow plugin start-up).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const grpc: typeof import('@grpc/grpc-js') = require('@grpc/grpc-js');
export const provider: typeof import('@pulumi/pulumi/proto/provider_pb') = require('@pulumi/pulumi/proto/provider_pb');
export const providerGrpc: typeof import('@pulumi/pulumi/proto/provider_grpc_pb') = require('@pulumi/pulumi/proto/provider_grpc_pb');
export const plugin: typeof import('@pulumi/pulumi/proto/plugin_pb') = require('@pulumi/pulumi/proto/plugin_pb');
export const engine: typeof import('@pulumi/pulumi/proto/engine_pb') = require('@pulumi/pulumi/proto/engine_pb');
export const engineGrpc: typeof import('@pulumi/pulumi/proto/engine_grpc_pb') = require('@pulumi/pulumi/proto/engine_grpc_pb');
export const status: any = require('@pulumi/pulumi/proto/status_pb');
export const struct: typeof import('google-protobuf/google/protobuf/struct_pb') = require('google-protobuf/google/protobuf/struct_pb');
export const empty: typeof import('google-protobuf/google/protobuf/empty_pb') = require('google-protobuf/google/protobuf/empty_pb');
export const any: typeof import('google-protobuf/google/protobuf/any_pb') = require('google-protobuf/google/protobuf/any_pb');
