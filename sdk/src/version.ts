/** Sent as `sdk` in every batch; a test keeps the version equal to package.json's. */
export const SDK_NAME = '@lifeline/sdk';
export const SDK_VERSION = '0.1.0';
