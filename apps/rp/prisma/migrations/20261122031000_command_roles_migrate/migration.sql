-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "authentication_provider" TEXT NOT NULL DEFAULT 'op',
ADD COLUMN     "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "op_roles" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "role_mapping" JSONB;

-- CreateIndex
CREATE INDEX "accounts_tenant_id_issuer_id_idx" ON "accounts"("tenant_id", "issuer", "id");
