import { describe } from 'node:test'
import { domainVerificationStoreContract } from '../../zones/domain-verification-store.contract.ts'
import { findTestStoreBackends } from '../../testing/test-store-backends.ts'
import { KyselyDomainVerificationStore } from './kysely-domain-verification-store.ts'

for (const backend of await findTestStoreBackends()) {
  describe(`KyselyDomainVerificationStore (${backend.name})`, { skip: backend.skipReason ?? false }, () => {
    domainVerificationStoreContract(async () => {
      if (backend.failReason !== undefined) throw new Error(backend.failReason)
      const opened = await backend.open()
      return { store: new KyselyDomainVerificationStore(opened.database.db), dispose: opened.dispose }
    })
  })
}
