-- CreateTable
CREATE TABLE "command_deliveries" (
    "id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "sub" TEXT,
    "claims" JSONB,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status" INTEGER,
    "last_error" TEXT,
    "last_response" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "command_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "command_deliveries_status_next_attempt_at_idx" ON "command_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "command_deliveries_client_id_created_at_idx" ON "command_deliveries"("client_id", "created_at");
