// The types of translate.js, which scripts/build-embed.ts bundles from i18n/page-translate.ts (generated, git-ignored).
export * from '../../i18n/page-translate';
