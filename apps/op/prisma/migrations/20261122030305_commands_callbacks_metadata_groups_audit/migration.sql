-- AlterTable
ALTER TABLE "command_deliveries" ADD COLUMN     "authentication_provider" TEXT,
ADD COLUMN     "callback_received_at" TIMESTAMP(3),
ADD COLUMN     "callback_response" JSONB;

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "domains" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'active';

-- CreateTable
CREATE TABLE "command_callback_tokens" (
    "token_hash" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "command_callback_tokens_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "client_tenant_metadata" (
    "client_id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "client_tenant_metadata_pkey" PRIMARY KEY ("client_id","tenant")
);

-- CreateTable
CREATE TABLE "audit_accounts" (
    "delivery_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "sub" TEXT NOT NULL,
    "account_state" TEXT NOT NULL,
    "last_access" BIGINT,
    "authentication_provider" TEXT,
    "claims" JSONB NOT NULL,

    CONSTRAINT "audit_accounts_pkey" PRIMARY KEY ("delivery_id","seq")
);

-- CreateTable
CREATE TABLE "groups" (
    "organization_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "display" TEXT NOT NULL,
    "description" TEXT,

    CONSTRAINT "groups_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "group_members" (
    "organization_id" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,

    CONSTRAINT "group_members_pkey" PRIMARY KEY ("organization_id","group_id","user_id")
);

-- CreateIndex
CREATE INDEX "command_callback_tokens_delivery_id_idx" ON "command_callback_tokens"("delivery_id");

-- CreateIndex
CREATE INDEX "command_callback_tokens_client_id_tenant_purpose_idx" ON "command_callback_tokens"("client_id", "tenant", "purpose");

-- CreateIndex
CREATE INDEX "group_members_user_id_idx" ON "group_members"("user_id");
