-- AlterTable
ALTER TABLE "command_deliveries" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'command',
ADD COLUMN     "sid" TEXT;

-- CreateTable
CREATE TABLE "rp_sessions" (
    "session_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rp_sessions_pkey" PRIMARY KEY ("session_id","client_id")
);

-- CreateIndex
CREATE INDEX "rp_sessions_user_id_idx" ON "rp_sessions"("user_id");
