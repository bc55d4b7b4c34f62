export default [
  {
    rules: {
      semi: ["error", "always"],
      quotes: ["error", "double"],
      "prefer-const": "error",
    },
  },
];
