import { defineConfig } from "vite";

// The app is served from embedded files only; no dev server URL is ever loaded.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: { target: "safari15", outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: { include: ["src/**/*.test.ts"] },
});
