export * from './requests';
export * from './webview';
export * from './settings';
export * from './testing';
