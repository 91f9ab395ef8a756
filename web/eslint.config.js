// Lint rules for the web app: the recommended JavaScript and TypeScript sets, React's
// rules of hooks (with exhaustive effect dependencies), and the direction of imports:
// app -> features -> shared (lib, components). A feature uses another only through that
// feature's index, and shared code never reaches up into features or the app.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/lib/schema.gen.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/features/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["@/app", "@/app/*"], message: "Features never import the app shell." },
        { group: ["@/features/*/*"], message: "Use the other feature's index (@/features/<name>), not its files." },
        { group: ["../*"], message: "Inside a feature import ./siblings; elsewhere use @/ paths." },
      ] }],
    },
  },
  {
    // The admin screens reach the server through their feature's hooks (api.ts) only.
    files: ["src/features/admin/*.tsx"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [{ name: "@/lib/api", importNames: ["api"], message: "Use the admin hooks in ./api (useQuery/useMutation under adminKeys)." }],
        patterns: [
          { group: ["@/app", "@/app/*"], message: "Features never import the app shell." },
          { group: ["@/features/*/*"], message: "Use the other feature's index (@/features/<name>), not its files." },
          { group: ["../*"], message: "Inside a feature import ./siblings; elsewhere use @/ paths." },
        ],
      }],
    },
  },
  {
    files: ["src/lib/**", "src/components/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["@/app", "@/app/*", "@/features", "@/features/*"], message: "Shared code never imports features or the app shell." },
        { group: ["../*"], message: "Use @/ paths across folders." },
      ] }],
    },
  },
  {
    files: ["scripts/**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["public/offline.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["public/sw.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.serviceworker },
  },
);
