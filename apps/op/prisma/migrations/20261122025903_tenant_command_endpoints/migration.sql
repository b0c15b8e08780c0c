-- AlterTable
ALTER TABLE "clients" ADD COLUMN     "tenant_command_endpoints" JSONB NOT NULL DEFAULT '{}';
