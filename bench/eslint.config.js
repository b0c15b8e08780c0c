const { node } = require('@oidc-ref/eslint-config');
module.exports = node(__dirname);
