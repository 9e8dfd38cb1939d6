// ESLint with typescript-eslint's type-aware rules over the TypeScript floors (src, test, bench,
// playground). assembly/ is AssemblyScript (decorators, v128): the asc compiler checks it.
// Formatting is Prettier's job (.prettierrc.json: 120 columns), so no stylistic rules here. Prettier
// rather than Biome: ESLint is needed anyway for the type-aware rules, so the formatter only has to
// format, and Prettier also formats the Markdown docs and the playground's HTML and CSS.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "assembly/**",
      "build/**",
      "lib/**",
      "dist/**",
      "node_modules/**",
      "runs/**",
      "**/*.generated.ts",
      "**/*.mjs",
      "**/*.js",
      // Fixtures of the package test: type-checked by tsc against the installed package, one of them wrong on purpose.
      "test/package/consumer/**",
      "vitest.config.ts",
    ],
  },
  {
    files: ["**/*.ts"],
    // typescript-eslint's recommended rules, plus the type-aware ones we hold the code to. The rest of
    // recommendedTypeChecked (no-unsafe-*, unbound-method, restrict-template-expressions) is not on yet:
    // it flagged about 280 places, most of them tests reading JSON and views of WASM exports.
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // An async method may implement a Promise-returning interface (Study.run) without awaiting.
      "@typescript-eslint/require-await": "off",
      // A name starting with _ is deliberately unused (a callback's place-holder argument).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
);
