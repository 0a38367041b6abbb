import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The built UI (dist/) is embedded into the Tauri binary at compile time.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Keep every asset a file: inline data: URLs for scripts would need a looser CSP.
    assetsInlineLimit: 0,
  },
  server: {
    port: 1420,
    strictPort: true,
    host: "127.0.0.1",
    // Tests read the shell's command list (src-tauri/src/lib.rs, see lib/ipc.test.ts).
    fs: process.env.VITEST ? { allow: [".."] } : undefined,
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
