import { CLIENT_APP } from './client-app.js';
import { CLIENT_BODY_VIEW } from './client-body-view.js';
import { CLIENT_DOM } from './client-dom.js';
import { CLIENT_EXCHANGE } from './client-exchange.js';
import { CLIENT_GROUPS } from './client-groups.js';
import { CLIENT_HEADER } from './client-header.js';

/**
 * The page's whole script, one IIFE. Parts are plain strings (the page runs no bundler); the
 * CSP pins this exact text by hash, so anything else that managed to get in would not run.
 */
export const CLIENT_SCRIPT = `(function () {
'use strict';
${CLIENT_DOM}
${CLIENT_BODY_VIEW}
${CLIENT_EXCHANGE}
${CLIENT_HEADER}
${CLIENT_GROUPS}
${CLIENT_APP}
})();
`;
